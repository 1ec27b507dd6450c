"""The test suite, laid out like the code (bot/, db/, messages/, local_api/), with
end-to-end tests in e2e/ and helpers in utils/."""
