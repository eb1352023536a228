// SPDX-License-Identifier: Apache-2.0
#include "mark/gerber.h"

#include <gtest/gtest.h>

int dummy_gerber_test;
