/** Contract of a code profile (style.md §3.4): logic for one OS that data/snmp/os/<osId>.yaml cannot express. */
import type { ExtractContext, FingerprintResult } from '../fingerprint/engine.js';

export interface SnmpProfile {
  /** The OS definition id this profile refines; a test rejects a profile with no matching YAML. */
  id: string;
  refine(fp: FingerprintResult, ctx: ExtractContext): Promise<Partial<FingerprintResult>>;
}
