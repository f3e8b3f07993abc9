import { setWarningLogger } from 'node-opcua'

/**
 * node-opcua prints its own warnings on stdout (e.g. W27 at import, about RSA PKCS#1 v1.5, which only
 * the Basic128Rsa15 policy needs and the simulator does not offer). Programs that own their stdout
 * send them to their log instead. Process-wide: node-opcua has one warning logger.
 */
export function routeOpcuaWarnings(log: (text: string) => void): void {
  setWarningLogger((...args: unknown[]) => log(args.map(String).join(' ')))
}
