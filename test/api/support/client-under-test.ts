// One import point for the tests: the public surface of src/api plus the version the User-Agent must carry.
export * from "../../../src/api";
export { VERSION as VERSION_FOR_TESTS } from "../../../src/version";
