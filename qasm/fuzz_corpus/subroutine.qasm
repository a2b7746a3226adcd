OPENQASM 3.0;
include "stdgates.inc";
def segment(qubit[2] anc, qubit psi) -> bit[2] {
  bit[2] b;
  reset anc;
  h anc;
  ccx anc[0], anc[1], psi;
  measure anc -> b;
  return b;
}
qubit input_qubit;
qubit[2] ancilla;
bit[2] flags = "11";
angle[4] a = 0;
uint[4] power = 1;
while (int[2](flags) != 0) {
  flags = segment(ancilla, input_qubit);
  power <<= 1;
}
let io = ancilla[{1, 0}];
a[0] = flags[0];
inv @ phase(a) io[0];
delay[10ns] io;
box { x input_qubit; }
