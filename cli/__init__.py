"""The `policy-assistant` command line: the top layer, above the assistant, the web app and the benchmark."""
