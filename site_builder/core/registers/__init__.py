"""The 联创 registers (second part of the content contract): 属地 and 责任 (`areas`), 挂点帮带
(`pairings`), 联席片 (`groups`) and 联创项目 (`projects`). Plain data in, `Problem`s out."""
