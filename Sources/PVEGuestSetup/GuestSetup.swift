// The guest setup engine lives in this module (issue: guest setup engine).
