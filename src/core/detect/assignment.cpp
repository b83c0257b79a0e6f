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
    auto weight = [&](int i, int j) {
        return j < int(weights[size_t(i)].size()) ? weights[size_t(i)][size_t(j)] : 0.0;
    };
    if (rows > cols) {
        // The method below wants no more rows than columns: solve the transposed problem.
        std::vector<std::vector<double>> t(size_t(cols), std::vector<double>(size_t(rows), 0.0));
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j)
                t[size_t(j)][size_t(i)] = weight(i, j);
        const std::vector<int> byColumn = maxWeightAssignment(t);
        for (int j = 0; j < cols; ++j)
            if (byColumn[size_t(j)] >= 0)
                result[size_t(byColumn[size_t(j)])] = j;
        return result;
    }

    // Minimise maxW - w. Hungarian method with potentials for n rows <= m columns, O(n^2 m):
    // a handful of roles against a wide file's many columns stays cheap. 1-based internally.
    double maxW = 0;
    for (const auto &r : weights)
        for (double w : r)
            maxW = std::max(maxW, w);
    const int n = rows, m = cols;
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(size_t(n) + 1, 0), v(size_t(m) + 1, 0);
    std::vector<int> p(size_t(m) + 1, 0), way(size_t(m) + 1, 0);
    for (int i = 1; i <= n; ++i) {
        p[0] = i;
        int j0 = 0;
        std::vector<double> minv(size_t(m) + 1, inf);
        std::vector<bool> used(size_t(m) + 1, false);
        do {
            used[size_t(j0)] = true;
            const int i0 = p[size_t(j0)];
            double delta = inf;
            int j1 = 0;
            for (int j = 1; j <= m; ++j) {
                if (used[size_t(j)])
                    continue;
                const double cur = (maxW - weight(i0 - 1, j - 1)) - u[size_t(i0)] - v[size_t(j)];
                if (cur < minv[size_t(j)]) {
                    minv[size_t(j)] = cur;
                    way[size_t(j)] = j0;
                }
                if (minv[size_t(j)] < delta) {
                    delta = minv[size_t(j)];
                    j1 = j;
                }
            }
            for (int j = 0; j <= m; ++j) {
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
    for (int j = 1; j <= m; ++j) {
        const int i = p[size_t(j)] - 1;
        if (i >= 0 && weight(i, j - 1) > 0)
            result[size_t(i)] = j - 1;
    }
    return result;
}

} // namespace finpipe::detect
