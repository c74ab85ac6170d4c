crate::declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be read or decoded: no permission, binary
    /// content (NUL bytes), or bytes that are not UTF-8 when no PEP 263 coding
    /// cookie (`# -*- coding: latin-1 -*-`) explains them. The run goes on with
    /// the other files.
    ///
    /// ## Why is this bad?
    /// A file that cannot be read cannot be checked, and Python would fail to
    /// import it the same way.
    ///
    /// ## Example
    /// A `.py` file saved as Latin-1 without a coding cookie:
    /// ```python
    /// GREETING = "h\xe9llo"   # the byte 0xE9, not valid UTF-8
    /// ```
    ///
    /// ## Use instead
    /// Save the file as UTF-8, or declare its encoding on the first or second line:
    /// ```python
    /// # -*- coding: latin-1 -*-
    /// GREETING = "héllo"
    /// ```
    pub static UNREADABLE_FILE = {
        code: "AD002",
        name: "unreadable-file",
        knowledge: "file-not-checked",
        default_enabled: true,
        origin: Static,
        help: "Make the file readable and UTF-8 (or declare its encoding), or exclude it",
    };
}
