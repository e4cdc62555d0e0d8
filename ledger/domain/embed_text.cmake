# Embeds a text file into C++ as a byte array, so that the program does not depend on the
# working directory (or on the source tree at all) to find it.
#   cmake -DINPUT=file.json -DOUTPUT=file.cc -DSYMBOL=kName -DNAMESPACE=ns -P embed_text.cmake
# defines, in namespace NAMESPACE:
#   extern const unsigned char SYMBOL[];      the bytes, followed by a NUL
#   extern const std::size_t SYMBOL_size;     the byte count, without the NUL
# Bytes rather than a string literal: -Wpedantic warns about literals over 64 KiB.
foreach(var INPUT OUTPUT SYMBOL NAMESPACE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# Twenty bytes a line: "0x7b," ...
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){20})" "\\1\n  " bytes "${bytes}")

get_filename_component(input_name "${INPUT}" NAME)
set(text "// Generated from ${input_name} by embed_text.cmake. Do not edit.\n")
string(APPEND text "#include <cstddef>\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND text "extern const unsigned char ${SYMBOL}[];\nextern const std::size_t ${SYMBOL}_size;\n\n")
string(APPEND text "const unsigned char ${SYMBOL}[] = {\n  ${bytes}0x00};\n")
string(APPEND text "const std::size_t ${SYMBOL}_size = ${size};\n\n}  // namespace ${NAMESPACE}\n")

file(WRITE "${OUTPUT}" "${text}")
