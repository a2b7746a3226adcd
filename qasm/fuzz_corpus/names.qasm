OPENQASM 3.0;
qubit[2] x;
bit[2] h;
input float[64] rz;
const float cx = 0.5;
gate g(ry) s { rx(ry) s; }
rx(rz * cx) x[0];
CX x[0], x[1];
g(cx) x[1];
h = measure x;
