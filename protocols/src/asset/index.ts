// Public surface of this area.
export {}
