import Foundation

/// Distribution comparisons for held-out splits: Jensen–Shannon divergence, the chi-square
/// test of homogeneity and the two-sample Kolmogorov–Smirnov test, with the special
/// functions behind their p-values.
///
/// Sources: W. H. Press, S. A. Teukolsky, W. T. Vetterling, B. P. Flannery, *Numerical
/// Recipes*, 3rd ed. (2007) — §6.2 (incomplete gamma function: series and continued
/// fraction), §6.14.12 (Kolmogorov–Smirnov distribution), §14.3.3 (two-sample K–S test,
/// with M. A. Stephens' 1970 correction of λ for small samples).
enum Statistics {
    // MARK: - Incomplete gamma and chi-square

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a).
    ///
    /// Numerical Recipes §6.2: for x < a + 1 the series of P(a, x) converges fast and Q = 1 − P;
    /// otherwise the continued fraction of Q (evaluated with the modified Lentz method)
    /// does. Both stop at a relative precision of about 1e-15.
    /// - Returns: Q in [0, 1]; 1 for x ≤ 0; nan for a ≤ 0 or nan inputs.
    static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return max(0, 1 - gammaPSeries(a, x)) }
        return min(1, gammaQContinuedFraction(a, x))
    }

    /// P(a, x) by its series: e^(−x) x^a / Γ(a) · Σ x^n / (a (a+1) … (a+n)).
    private static func gammaPSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a
        var term = 1 / a
        var sum = term
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    /// Q(a, x) by its continued fraction, modified Lentz method (NR eq. 6.2.7).
    private static func gammaQContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }

    /// The chi-square survival function P(χ² ≥ x) with `df` degrees of freedom:
    /// Q(df / 2, x / 2).
    static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Int) -> Double {
        guard df > 0 else { return .nan }
        return regularizedGammaQ(Double(df) / 2, x / 2)
    }

    /// The result of a chi-square test of homogeneity.
    struct ChiSquareResult: Equatable {
        /// Pearson's statistic Σ (O − E)² / E over the (possibly pooled) table.
        var statistic: Double
        /// Columns − 1 of the table after pooling.
        var degreesOfFreedom: Int
        /// P(χ² ≥ statistic); nil when fewer than two columns remain (nothing to compare).
        var pValue: Double?
        /// Categories pooled into one column because an expected count was below 5.
        var pooledCategories: Int
    }

    /// The chi-square test of homogeneity of two rows of counts over the same categories (a
    /// 2 × K contingency table; categories empty in both rows are dropped first).
    ///
    /// Small expected counts make Pearson's statistic far from chi-square distributed
    /// (Cochran's rule asks for expected counts of at least 5). Rather than report an
    /// unreliable p-value, categories whose expected count is below `minExpected` in either
    /// row are pooled into one column, smallest column totals first, until the pooled column
    /// reaches it too (adding the next smallest categories when needed). The degrees of
    /// freedom are those of the pooled table.
    /// - Complexity: O(K log K).
    static func chiSquareHomogeneity(
        _ first: [Int], _ second: [Int], minExpected: Double = 5
    ) -> ChiSquareResult {
        precondition(first.count == second.count, "rows have the same categories")
        let n1 = Double(first.reduce(0, +))
        let n2 = Double(second.reduce(0, +))
        let n = n1 + n2
        var columns = zip(first, second).filter { $0.0 + $0.1 > 0 }.map { (a: $0.0, b: $0.1) }
        guard n1 > 0, n2 > 0, columns.count > 1 else {
            return ChiSquareResult(
                statistic: 0, degreesOfFreedom: 0, pValue: nil, pooledCategories: 0)
        }
        // The smaller expected count of a column is min(n1, n2) · total / n.
        let smaller = min(n1, n2)
        func expectedMin(_ total: Int) -> Double { smaller * Double(total) / n }
        columns.sort { ($0.a + $0.b, $0.a) < ($1.a + $1.b, $1.a) }
        var pooled = 0
        if expectedMin(columns[0].a + columns[0].b) < minExpected {
            var merged = (a: 0, b: 0)
            var taken = 0
            while taken < columns.count
                && (expectedMin(merged.a + merged.b) < minExpected
                    || expectedMin(columns[taken].a + columns[taken].b) < minExpected)
            {
                merged.a += columns[taken].a
                merged.b += columns[taken].b
                taken += 1
            }
            pooled = taken
            columns = [merged] + columns[taken...]
        }
        guard columns.count > 1 else {
            return ChiSquareResult(
                statistic: 0, degreesOfFreedom: 0, pValue: nil, pooledCategories: pooled)
        }
        var x = 0.0
        for column in columns {
            let total = Double(column.a + column.b)
            let e1 = n1 * total / n
            let e2 = n2 * total / n
            x += (Double(column.a) - e1) * (Double(column.a) - e1) / e1
            x += (Double(column.b) - e2) * (Double(column.b) - e2) / e2
        }
        let df = columns.count - 1
        return ChiSquareResult(
            statistic: x, degreesOfFreedom: df,
            pValue: chiSquareSurvival(x, degreesOfFreedom: df), pooledCategories: pooled)
    }

    // MARK: - Jensen–Shannon divergence

    /// The Jensen–Shannon divergence, base 2, of the distributions two count vectors give:
    /// JS = ½ KL(P ‖ M) + ½ KL(Q ‖ M) with M = (P + Q) / 2. It is 0 for identical and 1 for
    /// disjoint distributions, symmetric, and finite when a category is missing from one side
    /// (unlike KL).
    /// - Returns: JS in [0, 1]; 0 when either vector is all zeros.
    static func jensenShannon(_ first: [Int], _ second: [Int]) -> Double {
        precondition(first.count == second.count, "same categories")
        let n1 = Double(first.reduce(0, +))
        let n2 = Double(second.reduce(0, +))
        guard n1 > 0, n2 > 0 else { return 0 }
        var sum = 0.0
        for (a, b) in zip(first, second) where a + b > 0 {
            let p = Double(a) / n1
            let q = Double(b) / n2
            let m = (p + q) / 2
            if p > 0 { sum += p * log2(p / m) }
            if q > 0 { sum += q * log2(q / m) }
        }
        return min(1, max(0, sum / 2))
    }

    // MARK: - Kolmogorov–Smirnov

    /// The Kolmogorov survival function Q_KS(λ) = 2 Σ_{j≥1} (−1)^(j−1) e^(−2 j² λ²), the
    /// asymptotic P(D·√n_e ≥ λ).
    ///
    /// Numerical Recipes §6.14: below λ = 1.18 the alternating series converges slowly, so
    /// Q = 1 − P with P_KS(λ) = √(2π) / λ · Σ_{j≥1} e^(−(2j−1)² π² / (8 λ²)); above it the
    /// series above converges in a few terms.
    static func kolmogorovQ(_ lambda: Double) -> Double {
        guard !lambda.isNaN else { return .nan }
        if lambda <= 0 { return 1 }
        if lambda < 1.18 {
            let y = -Double.pi * Double.pi / (8 * lambda * lambda)
            var p = 0.0
            for j in 1...20 {
                let k = Double(2 * j - 1)
                let term = exp(k * k * y)
                p += term
                if term < 1e-17 * p { break }
            }
            return min(1, max(0, 1 - (2 * Double.pi).squareRoot() / lambda * p))
        }
        var sum = 0.0
        var sign = 1.0
        for j in 1...100 {
            let jj = Double(j)
            let term = exp(-2 * jj * jj * lambda * lambda)
            sum += sign * term
            if term < 1e-17 * abs(sum) { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }

    /// The two-sample Kolmogorov–Smirnov statistic D = max |F₁(v) − F₂(v)| over the
    /// empirical distribution functions of two **sorted** samples. Ties are handled by
    /// stepping past every copy of a value in both samples before comparing.
    /// - Complexity: O(n + m).
    static func kolmogorovSmirnovStatistic(_ first: [Int], _ second: [Int]) -> Double {
        guard !first.isEmpty, !second.isEmpty else { return 0 }
        let n = Double(first.count)
        let m = Double(second.count)
        var i = 0
        var j = 0
        var d = 0.0
        while i < first.count && j < second.count {
            let v = min(first[i], second[j])
            while i < first.count && first[i] == v { i += 1 }
            while j < second.count && second[j] == v { j += 1 }
            d = max(d, abs(Double(i) / n - Double(j) / m))
        }
        return d
    }

    /// The asymptotic p-value of a two-sample K–S statistic: Q_KS(λ) with the effective size
    /// n_e = n·m / (n + m) and Stephens' correction λ = (√n_e + 0.12 + 0.11 / √n_e) · D
    /// (Numerical Recipes §14.3.3). On discrete data (word counts, with ties) the test is
    /// conservative: the true p-value is smaller.
    static func kolmogorovSmirnovPValue(_ d: Double, _ n: Int, _ m: Int) -> Double {
        guard n > 0, m > 0 else { return .nan }
        let ne = Double(n) * Double(m) / Double(n + m)
        let root = ne.squareRoot()
        return kolmogorovQ((root + 0.12 + 0.11 / root) * d)
    }
}
