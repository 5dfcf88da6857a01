import { modifyNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction } from '../../action.ts';
import { id, str } from '../../schema.ts';

export default defineAction({
  name: 'ModifyNetworkInterface',
  summary: 'Rename an ENI or change its description; a parameter left out keeps its value',
  async: false,
  params: {
    vpcId: id().required(),
    networkInterfaceId: id().required(),
    eniName: str({ max: 60, invalid: 'invalidEniName' }),
    eniDescription: str({ max: 60, nonEmpty: false }),
  },
  async handle({ deps, caller }, p) {
    await modifyNetworkInterface(deps, caller, {
      vpcId: p.vpcId,
      eniId: p.networkInterfaceId,
      name: p.eniName,
      description: p.eniDescription,
    });
    return {};
  },
});
