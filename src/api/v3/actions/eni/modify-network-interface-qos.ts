import { setQosLevel } from '../../../../domain/eni.service.ts';
import { DomainError } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { id, Param } from '../../schema.ts';
import { oneOrMore } from '../vpc/params.wire.ts';
import { QOS_LEVELS } from './eni.params.ts';

// This action lists a bad level or port as a plain InvalidParameterValue (no .Range), so both are
// read here rather than with oneOf/int, which answer .Range.
const invalid = (name: string, what: string) => new DomainError('invalidValue', `parameter ${name} ${what}`);

function level(): Param<string> {
  return new Param(`one of ${QOS_LEVELS.join(', ')}`, (value, name) => {
    if (typeof value !== 'string') {
      throw new DomainError('invalidParameter', `parameter ${name} must be a string`, { reason: 'type' });
    }
    if (!(QOS_LEVELS as readonly string[]).includes(value))
      throw invalid(name, `must be one of ${QOS_LEVELS.join(', ')}`);
    return value;
  });
}

function port(): Param<number> {
  return new Param('integer from 0 to 65535', (value, name) => {
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n)) {
      throw new DomainError('invalidParameter', `parameter ${name} must be an integer`, { reason: 'type' });
    }
    if (n < 0 || n > 65535) throw invalid(name, 'must be from 0 to 65535');
    return n;
  });
}

export default defineAction({
  product: 'vpc',
  name: 'ModifyNetworkInterfaceQos',
  summary: 'Set the QoS level of ENIs (their addresses follow); DirectSendMaxPort is checked and ignored',
  async: false,
  params: {
    NetworkInterfaceIds: oneOrMore(id('eni').required(), { max: 100 }),
    QosLevel: level(),
    DirectSendMaxPort: port(),
  },
  codes: ['InvalidParameterValue.LimitExceeded', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    // Without a level there is nothing to change, but the ENIs must still exist.
    await setQosLevel(deps, caller, { eniIds: p.NetworkInterfaceIds, qosLevel: p.QosLevel });
    return {};
  },
});
