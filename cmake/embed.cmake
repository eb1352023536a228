# SPDX-License-Identifier: Apache-2.0
# moat_embed(OUTPUT out.cc NAMESPACE ns FILES a.csv b.csv): compiles text files into the binary
# as `std::span<const EmbeddedFile> ns::embedded_files()`, so that `moat demo` needs no files
# beside the executable.
function(moat_embed)
  cmake_parse_arguments(E "" "OUTPUT;NAMESPACE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DNAMESPACE=${E_NAMESPACE}
            "-DFILES=${E_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${E_NAMESPACE} files"
    VERBATIM)
endfunction()
