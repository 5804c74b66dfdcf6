// Empty stand-in for the "server-only" package so server modules can be imported in unit tests.
export {};
