//! The demo consortium generator.
