# Finds hiredis for the optional tessera::redis target: pkg-config (hiredis.pc) gives hints when
# present, find_path/find_library decide. Defines the imported target tessera::hiredis and sets
# TESSERA_HIREDIS_FOUND. Used by tessera's own build and by the installed tesseraConfig.cmake;
# hiredis is never fetched.
if(TARGET tessera::hiredis)
  set(TESSERA_HIREDIS_FOUND TRUE)
  return()
endif()
set(TESSERA_HIREDIS_FOUND FALSE)

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(TESSERA_PC_HIREDIS QUIET hiredis)
endif()
# hiredis.pc names <prefix>/include/hiredis (0.14) or <prefix>/include (1.x); headers are
# included as <hiredis/hiredis.h>, so search both that folder and its parent.
set(_tessera_hiredis_hints)
foreach(dir IN LISTS TESSERA_PC_HIREDIS_INCLUDEDIR TESSERA_PC_HIREDIS_INCLUDE_DIRS)
  list(APPEND _tessera_hiredis_hints ${dir} ${dir}/..)
endforeach()
find_path(TESSERA_HIREDIS_INCLUDE_DIR hiredis/hiredis.h HINTS ${_tessera_hiredis_hints})
find_library(TESSERA_HIREDIS_LIBRARY NAMES hiredis
             HINTS ${TESSERA_PC_HIREDIS_LIBDIR} ${TESSERA_PC_HIREDIS_LIBRARY_DIRS})
unset(_tessera_hiredis_hints)

if(TESSERA_HIREDIS_INCLUDE_DIR AND TESSERA_HIREDIS_LIBRARY)
  # GLOBAL: a project that add_subdirectory()s tessera links tessera::redis from its own folder.
  add_library(tessera::hiredis UNKNOWN IMPORTED GLOBAL)
  set_target_properties(tessera::hiredis PROPERTIES
    IMPORTED_LOCATION "${TESSERA_HIREDIS_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${TESSERA_HIREDIS_INCLUDE_DIR}")
  set(TESSERA_HIREDIS_FOUND TRUE)
endif()
