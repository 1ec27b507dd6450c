"""Test helpers, one module per noun: `employees`, `competencies`, `learning`, `events`,
`registrations`, `office_time`, `import_files` (HR's files as tests write them), `phones`
(sending and pressing from a phone), `png` and
`statements` (counting SQL statements)."""
