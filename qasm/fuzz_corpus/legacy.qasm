OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
u3(pi/2, 0, pi) q[0];
u1(0.3) q[1];
CX q[0], q[1];
cu1(pi/4) q[0], q[1];
measure q -> c;
