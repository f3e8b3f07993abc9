// Public surface of the OPC UA driver plugin (README.md beside this file).
export { createOpcuaDriver, type OpcuaDriverComponents } from './driver.js'
export { discoverOpcua, type OpcuaDiscoverOptions } from './discover.js'
export { sessionKey, bindingsFor, describeDevice, type NodeBinding } from './bindings.js'
export { trustedFolder, CLIENT_APPLICATION_URI } from './security.js'
