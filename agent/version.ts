/** The agent's own version and the User-Agent it sends (see docs/agent.md "User-Agent"). */
export const AGENT_VERSION = '0.1.0';
/**
 * A stock OCS server answers HTTP 400 to a PROLOG whose User-Agent name it does not know (Useragent.pm), so the
 * default keeps the OCS unix agent's name and version; Vigie recognises its agent by the VIGIE_AGENT section.
 */
export const DEFAULT_USER_AGENT = 'OCS-NG_unified_unix_agent_v2.10.0';
