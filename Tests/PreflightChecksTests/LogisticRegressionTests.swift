import Testing

@testable import PreflightChecks

@Suite struct LogisticRegressionTests {
    @Test func softmaxIsAStableDistribution() {
        var z: [Float] = [1000, 0, -1000, 999]
        z.withUnsafeMutableBufferPointer { SoftmaxRegression.softmax($0.baseAddress!, 4) }
        #expect(abs(z.reduce(0, +) - 1) < 1e-6)
        #expect(z[0] > z[3] && z[3] > z[1] && z[2] == 0)
    }

    @Test func splitMixIsReproducible() {
        var a = SplitMix64(seed: 9)
        var b = SplitMix64(seed: 9)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        var order = Array(0..<50)
        var random = SplitMix64(seed: 1)
        random.shuffle(&order)
        #expect(order.sorted() == Array(0..<50) && order != Array(0..<50))
    }

    @Test func learnsSeparableClassesBeyondEightLanes() {
        // 11 classes (two SIMD blocks), one distinctive word each.
        let texts = (0..<220).map { "word\($0 % 11) filler common" }
        let labels = (0..<220).map { Int32($0 % 11) }
        let features = HashedFeatures.extract(count: texts.count, config: FeatureConfig()) {
            texts[$0]
        }
        var model = SoftmaxRegression(classes: 11, features: features.dimension)
        model.train(
            features, rows: (0..<220).map(Int32.init), labels: labels,
            schedule: TrainingSchedule(), seed: 1)
        var p = [Float](repeating: 0, count: 11)
        for r in 0..<220 {
            p.withUnsafeMutableBufferPointer {
                model.predict(features, row: r, into: $0.baseAddress!)
            }
            #expect(abs(p.reduce(0, +) - 1) < 1e-4)
            #expect(p.firstIndex(of: p.max()!) == Int(labels[r]))
        }
    }
}
