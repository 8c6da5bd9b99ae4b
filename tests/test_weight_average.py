"""The weight average that training.ema_decay scores and saves."""

import torch

from newsstance.train.weight_average import WeightAverage


def _net():
    net = torch.nn.Linear(2, 1)
    with torch.no_grad():
        net.weight.fill_(0.0)
        net.bias.fill_(0.0)
    return net


def test_average_follows_the_exponential_moving_average_formula():
    net = _net()
    average = WeightAverage(net, decay=0.5)
    for value in (1.0, 3.0):
        with torch.no_grad():
            net.weight.fill_(value)
        average.update()
    # 0 -> 0.5*0 + 0.5*1 = 0.5 -> 0.5*0.5 + 0.5*3 = 1.75
    assert torch.allclose(average.averages[average.names.index("weight")], torch.full((1, 2), 1.75))


def test_applied_swaps_the_average_in_and_restores_the_raw_weights():
    net = _net()
    average = WeightAverage(net, decay=0.9)
    with torch.no_grad():
        net.weight.fill_(2.0)
    average.update()
    with average.applied():
        assert torch.allclose(net.weight, torch.full((1, 2), 0.2))
    assert torch.allclose(net.weight, torch.full((1, 2), 2.0))
