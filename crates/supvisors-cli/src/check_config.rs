//! `supvisorsd --check-config`: load everything, print a summary or every error.
