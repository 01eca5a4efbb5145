// glibc's allocator controls (<malloc.h>), which the Swift Glibc module does not export.
#pragma once
#if defined(__linux__)
#include <malloc.h>
#endif
