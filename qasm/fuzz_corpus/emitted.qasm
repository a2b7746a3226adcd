OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta_0;
gate pauli_XZY(theta) a0, a1, a2 {
  h a0;
  sdg a2;
  h a2;
  cx a0, a1;
  cx a1, a2;
  rz(theta) a2;
  cx a1, a2;
  cx a0, a1;
  h a2;
  s a2;
  h a0;
}
gate unitary_0 a0 {
  U(1.5, 0.25, -0.75) a0;
  gphase(0.5);
}
qubit[3] q;
bit[3] c;
pauli_XZY(-theta_0 + 0.5) q[0], q[1], q[2];
ctrl @ unitary_0 q[2], q[0];
c[0] = measure q[0];
