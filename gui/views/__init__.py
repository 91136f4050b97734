"""What is drawn. Views read what they are given and never train or change the session."""
