"""The panels the user edits (data, architecture, training) and the transport bar."""
