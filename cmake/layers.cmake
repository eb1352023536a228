# SPDX-License-Identifier: Apache-2.0
# The link graph held to the same table as the includes (scripts/layers): a library of folder F
# may link only the moat libraries of the folders F may include. moat_check_layer_links(TARGET
# FOLDER) fails the configuration when TARGET links a library of a folder F may not reach, so
# that an adapter linking an engine or the store directly is refused before anything compiles.

set(MOAT_LAYERS_TABLE ${CMAKE_CURRENT_LIST_DIR}/../scripts/layers)

# The folder a moat library belongs to: moat_readers is app's, moat_store_schema store's,
# moat_http_bodies http's, moat_cli_lib cli's, any other moat_X folder X's (when src/X exists); ""
# for a library that is not moat's.
function(moat_layer_of library out)
  set(folder "")
  if(library STREQUAL "moat_readers")
    set(folder app)
  elseif(library STREQUAL "moat_store_schema")
    set(folder store)
  elseif(library STREQUAL "moat_http_bodies")
    set(folder http)
  elseif(library STREQUAL "moat_cli_lib")
    set(folder cli)
  elseif(library MATCHES "^moat_([a-z]+)$")
    if(IS_DIRECTORY ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../src/${CMAKE_MATCH_1})  # else a helper target (moat_opencv)
      set(folder ${CMAKE_MATCH_1})
    endif()
  endif()
  set(${out} ${folder} PARENT_SCOPE)
endfunction()

# The problems of FOLDER linking LIBRARIES, one sentence each, in OUT (empty: none).
function(moat_layer_link_problems folder libraries out)
  file(STRINGS ${MOAT_LAYERS_TABLE} rows REGEX "^${folder}( |$)")
  if(NOT rows)
    set(${out} "${folder}/ is not in the table of layers (scripts/layers)" PARENT_SCOPE)
    return()
  endif()
  list(GET rows 0 row)
  string(REGEX REPLACE "#.*" "" row "${row}")
  separate_arguments(allowed UNIX_COMMAND "${row}")
  set(problems "")
  foreach(library IN LISTS libraries)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" library "${library}")
    moat_layer_of("${library}" target_folder)
    if(target_folder AND NOT target_folder IN_LIST allowed)
      list(APPEND problems "${folder}/ may not link ${library} (scripts/layers: ${folder}/ may reach ${row})")
    endif()
  endforeach()
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

function(moat_check_layer_links target folder)
  get_target_property(libraries ${target} LINK_LIBRARIES)
  if(NOT libraries)
    return()
  endif()
  moat_layer_link_problems(${folder} "${libraries}" problems)
  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "${target} reaches past its layer:\n  ${text}")
  endif()
endfunction()

# Every moat library of the build, each against its folder's row.
function(moat_check_layers)
  foreach(library moat_core moat_sheet moat_ledger moat_store moat_plan moat_vet moat_flags moat_legal moat_gate
                  moat_mark moat_watch moat_store_schema moat_readers moat_app moat_http_bodies moat_http moat_cli_lib)
    if(TARGET ${library})
      moat_layer_of(${library} folder)
      moat_check_layer_links(${library} ${folder})
    endif()
  endforeach()
endfunction()
