#include "shadows/shadow.h"
#include "gtest/gtest.h"
