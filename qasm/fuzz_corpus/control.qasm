OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
const int n = 3;
for int i in [0:n - 1] { rx(0.1 * i) q[0]; if (i % 2 == 0) continue; h q[1]; }
int k = 0;
while (k < 2) { k += 1; }
c[0] = measure q[0];
if (c[0] == 1) { x q[1]; } else rz(pi / 2) q[1];
c[1] = measure q[1];
