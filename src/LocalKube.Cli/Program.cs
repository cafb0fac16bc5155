Console.WriteLine("localkube");
