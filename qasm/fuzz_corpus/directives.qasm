OPENQASM 3.0;
#pragma qgrad.note /* not a comment opener
pragma qgrad.say "unterminated quote
include "stdgates.inc";
qubit[2] q;
@qgrad.first { brace
@qgrad.second // and a slash
ctrl @x q[0], q[1];
gate g a {
  pragma in the body
  @inner }
  h a;
}
g q[1];
