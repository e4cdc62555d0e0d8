# Embeds the web console (api/console/) into C++, so that the server needs neither the source tree
# nor Node at run time: every file the console serves, with its SHA-256 and, where gzip makes it
# smaller, a gzip -9n copy (deterministic: no name, no time stamp).
#   cmake -DSOURCE_DIR=api/console -DOUTPUT=console_embedded.cc [-DGZIP=/usr/bin/gzip]
#         -P embed_console.cmake
# defines api::EmbeddedConsoleFiles() (api/http/console_files.h), sorted by path. Without GZIP
# (gzip not found at configure time) no compressed copies are made. Nothing is downloaded.
#
# Left out: package.json and package-lock.json (the vendoring's pins, not the console's), anything
# under node_modules/, and dot files. A path outside [A-Za-z0-9._~@+-/] stops the build: it could
# not be written as a C++ string or requested as one path segment each.
foreach(var SOURCE_DIR OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_console.cmake: -D${var}=... is required")
  endif()
endforeach()

file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" LIST_DIRECTORIES false "${SOURCE_DIR}/*")
list(SORT files)
list(FILTER files EXCLUDE REGEX "^(package|package-lock)\\.json$")
list(FILTER files EXCLUDE REGEX "(^|/)node_modules/")
list(FILTER files EXCLUDE REGEX "(^|/)\\.")

# "0x7b,0x22," ... sixteen bytes a line, from the hex of a file. (CMake's regular expressions
# have no {n}: the sixteen are spelled out.)
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 line_of_bytes)
function(hex_to_bytes hex out)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(${line_of_bytes})" "\\1\n    " bytes "${bytes}")
  set(${out} "${bytes}" PARENT_SCOPE)
endfunction()

set(arrays "")
set(entries "")
set(index 0)
set(scratch "${OUTPUT}.gz.tmp")
foreach(path IN LISTS files)
  if(NOT path MATCHES "^[A-Za-z0-9._~@+/-]+$")
    message(FATAL_ERROR "embed_console.cmake: '${path}' has a character the console may not "
                        "serve (allowed: letters, digits and . _ ~ @ + - /)")
  endif()
  set(file "${SOURCE_DIR}/${path}")
  file(READ "${file}" hex HEX)
  file(SHA256 "${file}" sha256)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  hex_to_bytes("${hex}" bytes)
  string(APPEND arrays "// ${path}\nconst unsigned char kFile${index}[] = {\n    ${bytes}0x00};\n")
  set(gzip_symbol "nullptr")
  set(gzip_size 0)
  if(GZIP AND size GREATER 0)
    execute_process(COMMAND "${GZIP}" -9 -n -c "${file}" OUTPUT_FILE "${scratch}"
                    RESULT_VARIABLE gzip_result)
    if(NOT gzip_result EQUAL 0)
      message(FATAL_ERROR "embed_console.cmake: gzip failed on ${path}: ${gzip_result}")
    endif()
    file(READ "${scratch}" gz_hex HEX)
    string(LENGTH "${gz_hex}" gz_hex_length)
    math(EXPR gz_size "${gz_hex_length} / 2")
    if(gz_size LESS size)
      hex_to_bytes("${gz_hex}" gz_bytes)
      string(APPEND arrays "const unsigned char kGzip${index}[] = {\n    ${gz_bytes}0x00};\n")
      set(gzip_symbol "kGzip${index}")
      set(gzip_size ${gz_size})
    endif()
  endif()
  string(APPEND entries "    {\"${path}\", \"${sha256}\", kFile${index}, ${size}, ${gzip_symbol}, "
                        "${gzip_size}},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(REMOVE "${scratch}")

set(text "// Generated from api/console/ by api/http/embed_console.cmake. Do not edit.\n")
string(APPEND text "#include \"api/http/console_files.h\"\n\nnamespace api {\n")
if(index EQUAL 0)
  string(APPEND text "\nstd::span<const EmbeddedFile> EmbeddedConsoleFiles() { return {}; }\n")
else()
  string(APPEND text "namespace {\n\n${arrays}\nconst EmbeddedFile kFiles[] = {\n${entries}};\n\n")
  string(APPEND text "}  // namespace\n\n")
  string(APPEND text "std::span<const EmbeddedFile> EmbeddedConsoleFiles() { return kFiles; }\n")
endif()
string(APPEND text "\n}  // namespace api\n")

# Rewritten only when it changed, so that touching a console file without changing it does not
# recompile the (large) generated file.
set(fresh "${OUTPUT}.tmp")
file(WRITE "${fresh}" "${text}")
file(COPY_FILE "${fresh}" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${fresh}")
