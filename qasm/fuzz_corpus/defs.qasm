OPENQASM 3.0;
include "stdgates.inc";
gate rot(a, b) t { rz(a) t; ry(b) t; }
gate ent(a) x, y { rot(a, 2*a) x; ctrl @ rot(a/2, -a) x, y; }
qubit[3] q;
ent(0.3) q[0], q[1];
inv @ ent(0.2) q[1], q[2];
negctrl @ pow(2) @ ent(0.1) q[2], q[0], q[1];
ctrl(2) @ x q[0], q[1], q[2];
pow(0.5) @ rx(0.4) q[0];
gphase(0.1);
/* block */ barrier q;
reset q[0];
