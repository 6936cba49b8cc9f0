/* The C API's declarations live in include/symmd.h; the Swift target SymmdC implements them. */
#include "symmd.h"
