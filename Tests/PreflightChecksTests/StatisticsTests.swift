import Foundation
import Testing

@testable import PreflightChecks

/// Reference values: printed chi-square and Kolmogorov tables, and scipy 1.17
/// (`scipy.stats.chi2.sf`, `scipy.special.gammaincc`, `scipy.special.kolmogorov`).
@Suite struct StatisticsTests {
    @Test(arguments: [
        (3.84, 1, 0.050_043_521_248_705_19),
        (3.841_458_820_694_124, 1, 0.05),
        (18.307, 10, 0.050_000_589_091_398_12),
        (124.342, 100, 0.050_000_715_769_971_78),
        (1074.679, 1000, 0.050_000_986_595_394_85),
        (0.5, 3, 0.918_891_411_654_675_8),
        (40, 20, 0.004_995_412_308_307_578_5),
        (155.522_324, 150, 0.361_899_3),
    ])
    func chiSquareSurvivalMatchesTables(x: Double, df: Int, p: Double) {
        let got = Statistics.chiSquareSurvival(x, degreesOfFreedom: df)
        #expect(abs(got - p) <= 1e-6 * max(p, 1e-3), "χ²=\(x), df=\(df): \(got) vs \(p)")
    }

    @Test func regularizedGammaQKnownValues() {
        #expect(abs(Statistics.regularizedGammaQ(2.5, 1.0) - 0.849_145_036_084_609_6) < 1e-12)
        #expect(abs(Statistics.regularizedGammaQ(10, 3) - 0.998_897_511_869_884_5) < 1e-12)
        #expect(abs(Statistics.regularizedGammaQ(0.5, 0.01) - 0.887_537_083_981_715) < 1e-12)
        // Closed forms: Q(1, x) = e^-x (both branches), Q(1/2, x) = erfc(√x).
        for x in [0.1, 0.9, 1.5, 7.0, 40.0] {
            #expect(abs(Statistics.regularizedGammaQ(1, x) - exp(-x)) < 1e-14)
            #expect(abs(Statistics.regularizedGammaQ(0.5, x) - erfc(x.squareRoot())) < 1e-14)
        }
        #expect(Statistics.regularizedGammaQ(3, 0) == 1)
        #expect(Statistics.regularizedGammaQ(3, 5000) == 0)
        #expect(Statistics.regularizedGammaQ(0, 1).isNaN)
    }

    @Test func jensenShannonOfKnownDistributions() {
        #expect(Statistics.jensenShannon([5, 3, 2], [10, 6, 4]) == 0)
        #expect(Statistics.jensenShannon([5, 0, 0], [0, 3, 4]) == 1)
        // P = (1, 0), Q = (½, ½), M = (¾, ¼): ½ log2(4/3) + ¼ (log2(2/3) + 1).
        let expected = 0.5 * log2(4.0 / 3) + 0.25 * (log2(2.0 / 3) + 1)
        #expect(abs(Statistics.jensenShannon([4, 0], [2, 2]) - expected) < 1e-15)
        #expect(
            Statistics.jensenShannon([4, 0], [2, 2]) == Statistics.jensenShannon([2, 2], [4, 0]))
        #expect(Statistics.jensenShannon([0, 0], [2, 2]) == 0)
        // scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2
        let js = Statistics.jensenShannon([200, 48, 152], [50, 62, 88])
        #expect(abs(js - 0.063_575_179_882_922_65) < 1e-12)
    }

    @Test func chiSquareHomogeneityMatchesScipy() {
        // scipy.stats.chi2_contingency([t, h], correction=False)
        let r = Statistics.chiSquareHomogeneity([200, 48, 152], [50, 62, 88])
        #expect(abs(r.statistic - 47.454_545_454_545_45) < 1e-9)
        #expect(r.degreesOfFreedom == 2)
        #expect(abs(r.pValue! - 4.958_797_618_189_371e-11) < 1e-19)
        #expect(r.pooledCategories == 0)
        // Labels empty in both rows do not count.
        #expect(Statistics.chiSquareHomogeneity([200, 0, 48, 152], [50, 0, 62, 88]) == r)
    }

    @Test func chiSquarePoolsSmallExpectedCounts() {
        // Expected counts of the last three labels in the smaller row: 1·100/400 etc. < 5;
        // they are pooled with each other (total 2 + 3 + 4 = 9, expected 2.25 < 5) and then
        // with the next smallest column until the pooled expected count reaches 5.
        let r = Statistics.chiSquareHomogeneity([150, 130, 2, 3, 4], [50, 50, 0, 0, 1])
        #expect(r.pooledCategories == 4)
        #expect(r.degreesOfFreedom == 1)
        // The pooled table is [[150, 139], [50, 51]]: scipy gives χ² 0.1818…, p 0.6698…
        let direct = Statistics.chiSquareHomogeneity([150, 139], [50, 51])
        #expect(r.statistic == direct.statistic)
        // Everything pooled: nothing left to compare.
        #expect(Statistics.chiSquareHomogeneity([1, 1], [1, 0]).pValue == nil)
        #expect(Statistics.chiSquareHomogeneity([10], [5]).pValue == nil)
    }

    @Test(arguments: [
        (1.36, 0.049_485_876_755_377_876),
        (1.224, 0.099_925_577_506_308_69),
        (1.628, 0.009_975_522_431_181_053),
        (0.5, 0.963_945_243_664_875_1),
        (1.18, 0.123_453_809_429_765_7),
        (0.3, 0.999_990_694_198_665_5),
    ])
    func kolmogorovQMatchesTables(lambda: Double, q: Double) {
        #expect(abs(Statistics.kolmogorovQ(lambda) - q) < 1e-10, "λ=\(lambda)")
    }

    @Test func kolmogorovQIsContinuousAcrossItsTwoSeries() {
        let below = Statistics.kolmogorovQ(1.18.nextDown)
        let above = Statistics.kolmogorovQ(1.18)
        #expect(abs(below - above) < 1e-12)
        #expect(Statistics.kolmogorovQ(0) == 1)
        #expect(Statistics.kolmogorovQ(10) < 1e-80)
    }

    @Test func kolmogorovSmirnovStatisticByHand() {
        // F1 − F2 at 2, 3, 4: ½ − 0, ¾ − ¼, 1 − ½.
        #expect(Statistics.kolmogorovSmirnovStatistic([1, 2, 3, 4], [3, 4, 5, 6]) == 0.5)
        // Ties: at 1, 2/3 − 1/3; at 2, 1 − 1.
        #expect(
            abs(Statistics.kolmogorovSmirnovStatistic([1, 1, 2], [1, 2, 2]) - 1.0 / 3) < 1e-15)
        #expect(Statistics.kolmogorovSmirnovStatistic([1, 2], [3, 4]) == 1)
        #expect(Statistics.kolmogorovSmirnovStatistic([5, 5, 7], [5, 5, 7]) == 0)
        #expect(Statistics.kolmogorovSmirnovStatistic([], [1]) == 0)
    }

    @Test func kolmogorovSmirnovPValueUsesStephensCorrection() {
        // n = m = 50: n_e = 25, λ = (5 + 0.12 + 0.022) · D; D = 0.2645… gives λ ≈ 1.36.
        let d = 1.36 / 5.142
        let p = Statistics.kolmogorovSmirnovPValue(d, 50, 50)
        #expect(abs(p - 0.049_485_876_755_377_876) < 1e-9)
    }
}
