import { modifySubnet } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id, str } from '../../schema.ts';
import { flagText } from './params.wire.ts';

// Terraform calls this after every CreateSubnet, with the name and "true"/"false" for broadcast.

export default defineAction({
  product: 'vpc',
  name: 'ModifySubnetAttribute',
  summary: 'Rename a subnet or turn broadcast on or off; absent fields stay',
  async: false,
  params: {
    SubnetId: id('subnet').required(),
    SubnetName: str({ min: 1, max: 60 }),
    EnableBroadcast: flagText(),
  },
  codes: ['InvalidParameterValue.TooLong', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    await modifySubnet(deps, caller, { subnetId: p.SubnetId, name: p.SubnetName, broadcast: p.EnableBroadcast });
    return {};
  },
});
