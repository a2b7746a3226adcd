// Quantum teleportation with the corrections applied coherently (deferred measurement):
// q[0] starts in ry(1.1)|0⟩ and ends up on q[2], so P(c[2] = 1) = sin²(0.55) ≈ 0.2731.
// Mid-circuit measurements of q[0] and q[1] are then sampled by trajectories.
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
ry(1.1) q[0];
h q[1];
cx q[1], q[2];
cx q[0], q[1];
h q[0];
c[0] = measure q[0];
c[1] = measure q[1];
cx q[1], q[2];
cz q[0], q[2];
reset q[0];
c[2] = measure q[2];
