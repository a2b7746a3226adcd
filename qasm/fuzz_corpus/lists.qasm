OPENQASM 3.0;
include "stdgates.inc";
input array[float[64], 2,] w;
qubit[3] q;
gate g(a, b,) s, t, { rz(a) s; cx s, t,; ry(b,) t; }
g(w[0], sin(0.3,),) q[2], q[0],;
rz(w[1],) q[1];
U(0.1, 0.2, 0.3,) q[1];
barrier q[0], q[1],;
x q[{0, 2,}];
h q[1,];
