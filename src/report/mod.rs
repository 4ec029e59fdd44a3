//! Reporters (HELPER FILLS THIS IN).
