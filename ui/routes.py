"""Routes of the web server that other programs call (kept apart from the page, which imports
Gradio: a client such as ``policy-assistant ask`` reads these without paying for that)."""

# POST {question, as_of?, history?, id?} → {"answer": …as `ask --json` prints it…, "build": index build name}
ASK_ROUTE = "/api/ask"
MAX_API_BYTES = 256 * 1024  # a question, a date and 20 earlier turns fit many times over
