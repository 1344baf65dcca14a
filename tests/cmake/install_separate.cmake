# Configures, builds and installs tessera in the separately compiled mode, library only:
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DPREFIX=... -DGENERATOR=... -DCXX=... -P install_separate.cmake
foreach(step
    "-S;${SOURCE_DIR};-B;${BINARY_DIR};-G;${GENERATOR};-DCMAKE_CXX_COMPILER=${CXX};-DCMAKE_BUILD_TYPE=Release;-DTESSERA_SEPARATE_COMPILATION=ON;-DTESSERA_BUILD_TESTS=OFF;-DTESSERA_BUILD_EXAMPLES=OFF;-DTESSERA_BUILD_BENCH=OFF;-DTESSERA_BUILD_TOOLS=OFF;-DTESSERA_INSTALL=ON"
    "--build;${BINARY_DIR}"
    "--install;${BINARY_DIR};--prefix;${PREFIX}")
  execute_process(COMMAND ${CMAKE_COMMAND} ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake ${step} failed: ${rc}")
  endif()
endforeach()
