#pragma once

#include <vector>

namespace finpipe::detect {

//! Best one-to-one assignment of rows to columns maximising the summed weight (Hungarian method).
//! `weights` is rows x columns, all >= 0; returns for each row its column, or -1 when it gets none
//! (more rows than columns, or only zero-weight choices left).
std::vector<int> maxWeightAssignment(const std::vector<std::vector<double>> &weights);

} // namespace finpipe::detect
