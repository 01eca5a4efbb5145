// Header-only: see include/CMalloc.h.
#include "CMalloc.h"
