#include "assignment.h"

#include <algorithm>
#include <limits>

namespace finpipe::detect {

std::vector<int> maxWeightAssignment(const std::vector<std::vector<double>> &weights)
{
    const int rows = int(weights.size());
    int cols = 0;
    for (const auto &r : weights)
        cols = std::max(cols, int(r.size()));
    std::vector<int> result(size_t(rows), -1);
    if (rows == 0 || cols == 0)
        return result;

    // Square cost matrix (minimisation): padding cells cost as much as a zero-weight pair.
    const int n = std::max(rows, cols);
    double maxW = 0;
    for (const auto &r : weights)
        for (double w : r)
            maxW = std::max(maxW, w);
    auto cost = [&](int i, int j) {
        const double w = (i < rows && j < int(weights[size_t(i)].size())) ? weights[size_t(i)][size_t(j)] : 0.0;
        return maxW - w;
    };

    // Jonker-Volgenant style O(n^3) Hungarian method with potentials; 1-based internally.
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(size_t(n) + 1, 0), v(size_t(n) + 1, 0);
    std::vector<int> p(size_t(n) + 1, 0), way(size_t(n) + 1, 0);
    for (int i = 1; i <= n; ++i) {
        p[0] = i;
        int j0 = 0;
        std::vector<double> minv(size_t(n) + 1, inf);
        std::vector<bool> used(size_t(n) + 1, false);
        do {
            used[size_t(j0)] = true;
            const int i0 = p[size_t(j0)];
            double delta = inf;
            int j1 = 0;
            for (int j = 1; j <= n; ++j) {
                if (used[size_t(j)])
                    continue;
                const double cur = cost(i0 - 1, j - 1) - u[size_t(i0)] - v[size_t(j)];
                if (cur < minv[size_t(j)]) {
                    minv[size_t(j)] = cur;
                    way[size_t(j)] = j0;
                }
                if (minv[size_t(j)] < delta) {
                    delta = minv[size_t(j)];
                    j1 = j;
                }
            }
            for (int j = 0; j <= n; ++j) {
                if (used[size_t(j)]) {
                    u[size_t(p[size_t(j)])] += delta;
                    v[size_t(j)] -= delta;
                } else {
                    minv[size_t(j)] -= delta;
                }
            }
            j0 = j1;
        } while (p[size_t(j0)] != 0);
        do {
            const int j1 = way[size_t(j0)];
            p[size_t(j0)] = p[size_t(j1)];
            j0 = j1;
        } while (j0 != 0);
    }
    for (int j = 1; j <= n; ++j) {
        const int i = p[size_t(j)] - 1;
        if (i >= 0 && i < rows && j - 1 < cols && j - 1 < int(weights[size_t(i)].size())
            && weights[size_t(i)][size_t(j - 1)] > 0)
            result[size_t(i)] = j - 1;
    }
    return result;
}

} // namespace finpipe::detect
