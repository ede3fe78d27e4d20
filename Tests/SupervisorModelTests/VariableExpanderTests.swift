import Testing
@testable import SupervisorModel

/// `${NAME}`, `${NAME:-default}` and `$$` expansion.
@Suite("VariableExpander")
struct VariableExpanderTests {
    let expander = VariableExpander(environment: [
        "NAME": "alpha",
        "EMPTY": "",
        "A": "from-a",
        "B": "from-b",
        "PORT_BASE": "7000",
    ])

    @Test("text without `$` is returned unchanged")
    func plainText() {
        #expect(expander.expand("just text {braces}") == .success("just text {braces}"))
    }

    @Test("`${NAME}` is replaced by its value, anywhere in the text")
    func simpleReference() {
        #expect(expander.expand("${NAME}") == .success("alpha"))
        #expect(expander.expand("pre-${NAME}-post") == .success("pre-alpha-post"))
        #expect(expander.expand("${A}${B}") == .success("from-afrom-b"))
    }

    @Test("`${NAME:-default}` uses the value when set, the default when unset")
    func defaultValue() {
        #expect(expander.expand("${NAME:-other}") == .success("alpha"))
        #expect(expander.expand("${UNSET:-2s}") == .success("2s"))
        #expect(expander.expand("${UNSET:-}") == .success(""))
        #expect(expander.expand("--ready-after=${SIM_READY:-2s}") == .success("--ready-after=2s"))
    }

    @Test("the default is used when the variable is set but empty")
    func defaultWhenEmpty() {
        #expect(expander.expand("${EMPTY:-fallback}") == .success("fallback"))
    }

    @Test("a set but empty variable without a default expands to nothing")
    func emptyWithoutDefault() {
        #expect(expander.expand("[${EMPTY}]") == .success("[]"))
    }

    @Test("`$$` is a literal dollar sign and is not expanded further")
    func doubleDollar() {
        #expect(expander.expand("$$") == .success("$"))
        #expect(expander.expand("cost: $$5") == .success("cost: $5"))
        #expect(expander.expand("$${NAME}") == .success("${NAME}"))
    }

    @Test("a lone `$` not followed by `{` stays as it is")
    func loneDollar() {
        #expect(expander.expand("$NAME") == .success("$NAME"))
        #expect(expander.expand("trailing $") == .success("trailing $"))
    }

    @Test("the default may contain `$$`")
    func defaultWithDollar() {
        #expect(expander.expand("${UNSET:-a$$b}") == .success("a$b"))
    }

    @Test("a nested default `${A:-${B}}` expands like a shell")
    func nestedDefault() {
        // The default may itself be a reference: braces are matched, not cut at the first `}`.
        #expect(expander.expand("${A:-${B}}") == .success("from-a"))
        #expect(expander.expand("${UNSET:-${B}}") == .success("from-b"))
    }

    @Test("an undefined variable without a default is a failure naming it")
    func undefined() {
        #expect(expander.expand("${MISSING}") == .failure(.undefined("MISSING")))
        #expect(expander.expand("x ${NAME} ${MISSING} y") == .failure(.undefined("MISSING")))
    }

    @Test("`${PORT_OFFSET}` means 0 when unset or empty, so the legacy `${PORT_OFFSET}+7200` works")
    func portOffsetDefaultsToZero() {
        #expect(expander.expand("${PORT_OFFSET}") == .success("0"))
        #expect(expander.expand("${PORT_OFFSET}+7200") == .success("0+7200"))
        let withOffset = VariableExpander(environment: ["PORT_OFFSET": "100"])
        #expect(withOffset.expand("${PORT_OFFSET}+7200") == .success("100+7200"))
        let emptyOffset = VariableExpander(environment: ["PORT_OFFSET": ""])
        #expect(emptyOffset.expand("${PORT_OFFSET}+7200") == .success("0+7200"))
    }

    @Test("an unterminated reference is a failure")
    func unterminated() {
        #expect(expander.expand("${NAME") == .failure(.unterminated))
        #expect(expander.expand("ok ${") == .failure(.unterminated))
    }

    @Test("a reference whose name is not a variable name is a failure", arguments: [
        ("${}", ""), ("${1ABC}", "1ABC"), ("${A-B}", "A-B"), ("${A B}", "A B"), ("${:-x}", ""),
    ])
    func badName(text: String, name: String) {
        #expect(expander.expand(text) == .failure(.badName(name)))
    }

    @Test("names may hold letters, digits and underscores")
    func nameCharacters() {
        let expander = VariableExpander(environment: ["_A1_b": "ok"])
        #expect(expander.expand("${_A1_b}") == .success("ok"))
    }
}
