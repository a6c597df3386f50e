// The LXC runtime adapter lives in this module (issue: runtime adapter).
