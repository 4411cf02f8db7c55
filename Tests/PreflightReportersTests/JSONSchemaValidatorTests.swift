import Foundation
import PreflightCore
import PreflightTestSupport
import Testing

@testable import PreflightReporters

/// The schema and the validator, checked against real output and broken documents.
struct JSONSchemaValidatorTests {
    private let validator: JSONSchemaValidator
    private let valid: JSONValue

    init() throws {
        validator = try JSONSchemaValidator(contentsOf: Goldens.schema)
        valid = try JSONValue.parse(JSONReporter().render(CanonicalReport.report))
    }

    @Test func schemaUsesOnlySupportedKeywordsAndAcceptsRealOutput() {
        #expect(validator.validate(valid) == [])
    }

    @Test func readinessAndTablesAreValidated() {
        guard case .array(var readiness)? = valid["readiness"],
            case .array(var checks)? = valid["checks"]
        else {
            Issue.record("no readiness or checks")
            return
        }
        readiness[1] = readiness[1].setting("status", to: .string("unknown"))
        checks[2] = checks[2].setting("tables", to: .array([.object(["id": .string("t")])]))
        let errors = validator.validate(
            valid.setting("readiness", to: .array(readiness)).setting(
                "checks", to: .array(checks)))
        #expect(
            errors == [
                "$.checks[2].tables[0]: missing required key 'title'",
                "$.checks[2].tables[0]: missing required key 'columns'",
                "$.checks[2].tables[0]: missing required key 'rows'",
                "$.checks[2].tables[0]: missing required key 'note'",
                #"$.readiness[1].status: "unknown" is not one of ["met","at_risk","not_met","not_checked"]"#,
            ])
        let cell = valid.setting(
            "checks",
            to: .array(
                [
                    checks[0].setting(
                        "tables",
                        to: .array([
                            .object([
                                "id": .string("t"), "title": .string("T"), "note": .null,
                                "columns": .array([.string("a")]),
                                "rows": .array([.array([.bool(true)])]),
                            ])
                        ]))
                ]))
        #expect(
            validator.validate(cell) == [
                "$.checks[0].tables[0].rows[0][0]: expected string or number or null, found boolean"
            ])
    }

    @Test func reportsWithoutReadinessOrTablesStillValidate() {
        // Reports of builds before the readiness section lack these keys: still version 1.
        guard case .array(let checks)? = valid["checks"] else {
            Issue.record("no checks")
            return
        }
        let older = valid.setting("readiness", to: nil).setting(
            "checks",
            to: .array(
                checks.map { $0.setting("tables", to: nil).setting("prerequisites", to: nil) }))
        #expect(validator.validate(older) == [])
    }

    @Test func missingRequiredKeyIsRejected() {
        #expect(
            validator.validate(valid.setting("verdict", to: nil)) == [
                "$: missing required key 'verdict'"
            ])
    }

    @Test func wrongTypeIsRejected() {
        #expect(
            validator.validate(valid.setting("findings", to: .string("none")))
                == ["$.findings: expected array, found string"])
        let summary = valid["summary"]!.setting("errors", to: .number(1.5))
        #expect(
            validator.validate(valid.setting("summary", to: summary))
                == ["$.summary.errors: expected integer, found number"])
    }

    @Test func badEnumIsRejected() {
        #expect(
            validator.validate(valid.setting("verdict", to: .string("maybe")))
                == [
                    #"$.verdict: "maybe" is not one of ["ready","ready_with_warnings","not_ready"]"#
                ])
    }

    @Test func nestedViolationsNameTheirPath() {
        guard case .array(var findings) = valid["findings"]! else {
            Issue.record("no findings")
            return
        }
        findings[3] = findings[3].setting("severity", to: .string("fatal")).setting(
            "extra", to: .bool(true))
        let errors = validator.validate(valid.setting("findings", to: .array(findings)))
        #expect(
            errors == [
                "$.findings[3]: unexpected key 'extra'",
                #"$.findings[3].severity: "fatal" is not one of ["info","warning","error"]"#,
            ])
    }

    @Test func constMinimumAndPatternAreChecked() {
        #expect(
            validator.validate(valid.setting("schema_version", to: .number(2)))
                == ["$.schema_version: expected 1, found 2"])
        let negative = valid["summary"]!.setting("infos", to: .number(-1))
        #expect(
            validator.validate(valid.setting("summary", to: negative))
                == ["$.summary.infos: -1 is below the minimum 0"])
        guard case .array(var checks) = valid["checks"]! else {
            Issue.record("no checks")
            return
        }
        checks[0] = checks[0].setting("id", to: .string("Bad-Id"))
        #expect(
            validator.validate(valid.setting("checks", to: .array(checks)))
                == [#"$.checks[0].id: "Bad-Id" does not match /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/"#])
    }

    @Test func metricsMustBeNumbers() {
        guard case .array(var checks) = valid["checks"]! else {
            Issue.record("no checks")
            return
        }
        checks[1] = checks[1].setting("metrics", to: .object(["min": .string("500")]))
        #expect(
            validator.validate(valid.setting("checks", to: .array(checks)))
                == ["$.checks[1].metrics.min: expected number or null, found string"])
    }

    @Test func unsupportedKeywordsAndCombinatorsAreHandled() {
        let schema = JSONValue.object([
            "type": .string("object"),
            "properties": .object([
                "a": .object([
                    "anyOf": .array([
                        .object(["type": .string("string")]), .object(["type": .string("integer")]),
                    ])
                ]),
                "b": .object([
                    "oneOf": .array([
                        .object(["type": .string("number")]), .object(["type": .string("integer")]),
                    ])
                ]),
                "c": .object(["maxLength": .number(3)]),
            ]),
        ])
        let v = JSONSchemaValidator(schema: schema)
        #expect(v.validate(.object(["a": .string("x")])) == [])
        #expect(v.validate(.object(["a": .bool(true)])) == ["$.a: matches none of anyOf"])
        // 2 is both a number and an integer.
        #expect(
            v.validate(.object(["b": .number(2)])) == [
                "$.b: matches 2 branches of oneOf, expected exactly 1"
            ])
        #expect(
            v.validate(.object(["c": .string("x")])) == [
                "$.c: schema keyword 'maxLength' is not supported by the validator"
            ])
    }

    @Test func notJSONIsRejected() {
        #expect(validator.validate(Data("{".utf8)).first?.hasPrefix("$: not JSON") == true)
    }
}
