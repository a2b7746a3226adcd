# Writes a C++ source that holds files byte for byte (run as a script at build time, no tools
# beyond CMake):
#   cmake -DINPUT_DIR=DIR -DFILES="a.html;b.js" -DOUTPUT=FILE.cc -P embed_files.cmake
# FILE.cc defines qgrad::dashboard::internal::kEmbeddedFiles (name and contents of each file,
# as string literals of \xNN escapes, so any byte survives) and kEmbeddedFileCount
# (dashboard/embedded_files.h).
cmake_minimum_required(VERSION 3.25)

get_filename_component(input_name "${INPUT_DIR}" NAME)
set(out "// Generated at build time by dashboard/embed_files.cmake from dashboard/${input_name}/: do not edit.\n")
string(APPEND out "#include \"dashboard/embedded_files.h\"\n\nnamespace qgrad::dashboard::internal {\nnamespace {\n\n")
set(table "")
set(index 0)
foreach(name IN LISTS FILES)
  file(READ "${INPUT_DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  # 32 bytes a line, every byte a \xNN escape (a literal's escapes end at the next backslash).
  string(REGEX REPLACE "(................................................................)" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" hex "${hex}")
  string(REGEX REPLACE "\n$" "" hex "${hex}")
  string(REPLACE "\n" "\"\n    \"" hex "${hex}")
  string(APPEND out "// ${name}, ${size} bytes\nconstexpr char kFile${index}[] =\n    \"${hex}\";\n\n")
  string(APPEND table "    {\"${name}\", std::string_view(kFile${index}, sizeof(kFile${index}) - 1)},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND out "}  // namespace\n\nconstexpr EmbeddedFile kFiles[] = {\n${table}};\n")
string(APPEND out "const EmbeddedFile* const kEmbeddedFiles = kFiles;\n")
string(APPEND out "const std::size_t kEmbeddedFileCount = ${index};\n\n}  // namespace qgrad::dashboard::internal\n")

# Rewrite only on change, so that an unchanged file does not recompile.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT "${old}" STREQUAL "${out}")
  file(WRITE "${OUTPUT}" "${out}")
endif()
