//! AADSTS knowledge base (HELPER FILLS THIS IN).
