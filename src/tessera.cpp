// The separately compiled part of tessera (TESSERA_SEPARATE_COMPILATION).
#include "tessera/src.hpp"
